pipeline {
    agent any
    stages {
        stage('build') {
            when {
            }
            steps {
                echo 'hi'
            }
        }
    }
}
