pipeline {
    agent any
    options {
        timestamp()
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
