pipeline {
    agent any;
    stages {
        stage('semi') {
            steps {
                echo 'a'; echo 'b';
                sh 'c';;
                echo 'd'
            }
        }
    };
}
