pipeline {
    agent any
    stages {
        stage('build') {
            when {
                brnch 'main'
            }
            steps {
                echo 'hi'
            }
        }
    }
}
