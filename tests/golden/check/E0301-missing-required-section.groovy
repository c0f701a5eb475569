pipeline {
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
