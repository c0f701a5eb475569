pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                echo 'one'
            }
        }
        stage('build') {
            steps {
                echo 'two'
            }
        }
    }
}
